import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "../../api/client";
import type { ServedKind } from "../../api/types";
import { ClusterContext } from "../../shell/context";
import CreatePage from "./CreatePage";

vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  create: vi.fn(),
}));
const create = vi.mocked(client.create);

// jsdom lays nothing out; CodeMirror measures text ranges, so give them empty boxes.
Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => new DOMRect();

function kind(group: string, version: string, kind: string, resource: string, namespaced = true): ServedKind {
  return {
    group,
    version,
    kind,
    resource,
    singular: kind.toLowerCase(),
    preferred: true,
    namespaced,
    verbs: ["create", "get", "list"],
    shortNames: [],
    categories: [],
    subresources: [],
  };
}

const kinds = [
  kind("", "v1", "ConfigMap", "configmaps"),
  kind("apps", "v1", "Deployment", "deployments"),
  kind("demo.concord.dev", "v1", "Widget", "widgets"),
  kind("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false),
];

function Where() {
  return <p data-testid="where">{useLocation().pathname + useLocation().search}</p>;
}

function setup() {
  render(
    <ClusterContext.Provider value={{ cluster: "sandbox", kinds, user: "bob", namespaces: ["demo"], setNamespaces() {} }}>
      <MemoryRouter initialEntries={["/c/sandbox/create?ns=demo"]}>
        <Routes>
          <Route path="/c/:cluster/create" element={<CreatePage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </ClusterContext.Provider>,
  );
  return userEvent.setup();
}

const editorText = () => screen.getByLabelText("YAML editor").textContent ?? "";

beforeEach(() => {
  sessionStorage.clear();
  vi.clearAllMocks();
});
afterEach(cleanup);

describe("CreatePage", () => {
  it("offers the common kinds and the cluster's other creatable kinds, in the chosen namespace", async () => {
    const user = setup();
    expect(editorText()).toContain("kind: Deployment");
    expect(editorText()).toContain("namespace: demo");
    const picker = screen.getByLabelText("Template");
    expect(screen.getByRole("option", { name: "Widget (demo.concord.dev)" })).toBeInTheDocument();
    expect(screen.queryByRole("option", { name: /TokenReview/ })).toBeNull();
    await user.selectOptions(picker, "ConfigMap");
    expect(editorText()).toContain("kind: ConfigMap");
  });

  it("creates the object and opens its page", async () => {
    const user = setup();
    await user.selectOptions(screen.getByLabelText("Template"), "ConfigMap");
    create.mockResolvedValueOnce({
      outcome: "created",
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "my-config", namespace: "demo", uid: "u" } },
    });
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByTestId("where")).toHaveTextContent("/c/sandbox/r/core/v1/configmaps/demo/my-config?ns=demo");
    expect(create.mock.calls[0]).toEqual([
      expect.objectContaining({ kind: "ConfigMap", metadata: { name: "my-config", namespace: "demo" } }),
      "sandbox",
    ]);
  });

  it("keeps the text and links to the object already there", async () => {
    const user = setup();
    create.mockResolvedValueOnce({
      outcome: "exists",
      theirs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "my-app", namespace: "demo" } },
    });
    await user.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText(/Deployment my-app already exists in demo/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "open the existing object" })).toHaveAttribute(
      "href",
      "/c/sandbox/r/apps/v1/deployments/demo/my-app?ns=demo",
    );
    expect(editorText()).toContain("kind: Deployment");
  });

  it("refuses a second document, an unserved kind, and keeps a draft across visits", async () => {
    sessionStorage.setItem("concord.create:sandbox", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: B\n");
    setup();
    expect(screen.getByRole("alert")).toHaveTextContent("Only one object at a time: this is a second YAML document. (line 4)");
    expect(screen.getByRole("button", { name: "Create" })).toBeDisabled();
    cleanup();
    sessionStorage.setItem("concord.create:sandbox", "apiVersion: v9\nkind: Gadget\nmetadata: {name: a}\n");
    setup();
    expect(screen.getByRole("alert")).toHaveTextContent("This cluster does not serve Gadget in v9.");
  });

  it("asks before a template replaces typed text", async () => {
    sessionStorage.setItem("concord.create:sandbox", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n");
    const user = setup();
    await user.selectOptions(screen.getByLabelText("Template"), "Service");
    expect(editorText()).toContain("name: mine");
    await user.click(screen.getByRole("button", { name: "Keep my text" }));
    expect(editorText()).toContain("name: mine");
    expect(screen.getByLabelText("Template")).toHaveValue("Deployment");
    await user.selectOptions(screen.getByLabelText("Template"), "Job");
    await user.click(screen.getByRole("button", { name: "Replace my text" }));
    expect(editorText()).toContain("kind: Job");
  });
});
