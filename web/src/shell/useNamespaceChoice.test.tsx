import { act, render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { MemoryRouter, useLocation, useNavigate, type NavigateFunction } from "react-router";
import { useNamespaceChoice } from "./useNamespaceChoice";
import { rememberedNamespaces } from "./namespaces";

/** Renders the hook in a router and answers a handle on it. */
function setup(url: string) {
  const handle = {} as { namespaces: string[]; choose(n: string[]): void; navigate: NavigateFunction; url: string };
  function Probe() {
    const [namespaces, choose] = useNamespaceChoice("test");
    const location = useLocation();
    Object.assign(handle, { namespaces, choose, navigate: useNavigate(), url: location.pathname + location.search });
    return null;
  }
  render(
    <MemoryRouter initialEntries={[url]}>
      <Probe />
    </MemoryRouter>,
  );
  return handle;
}

describe("useNamespaceChoice", () => {
  it("reads the choice from the URL and remembers it", () => {
    const h = setup("/c/test?ns=a,b");
    expect(h.namespaces).toEqual(["a", "b"]);
    expect(rememberedNamespaces("test")).toEqual(["a", "b"]);
  });

  it("keeps the choice across an in-app link that does not carry it", async () => {
    const h = setup("/c/test?ns=a");
    await act(async () => h.navigate("/c/test/r/core/v1/pods"));
    expect(h.namespaces).toEqual(["a"]);
    expect(h.url).toBe("/c/test/r/core/v1/pods?ns=a");
  });

  it("shows exactly what the URL says on back and forward", async () => {
    const h = setup("/c/test/r/core/v1/pods");
    await act(async () => h.choose(["a"]));
    expect(h.url).toBe("/c/test/r/core/v1/pods?ns=a");
    await act(async () => h.navigate(-1));
    expect(h.namespaces).toEqual([]);
    expect(h.url).toBe("/c/test/r/core/v1/pods");
  });

  it("keeps all namespaces once chosen", async () => {
    const h = setup("/c/test?ns=a");
    await act(async () => h.choose([]));
    expect(h.namespaces).toEqual([]);
    await act(async () => h.navigate("/c/test/r/core/v1/pods"));
    expect(h.namespaces).toEqual([]);
    expect(h.url).toBe("/c/test/r/core/v1/pods");
    expect(rememberedNamespaces("test")).toEqual([]);
  });
});
