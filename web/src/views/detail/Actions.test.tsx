import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "../../api/client";
import type { KubeObject } from "../../api/types";
import { ClusterContext } from "../../shell/context";
import { ActionsBar } from "./Actions";
import { RESTARTED_AT } from "./actions";

vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  edit: vi.fn(),
  deleteObject: vi.fn(),
}));

const edit = vi.mocked(client.edit);
const deleteObject = vi.mocked(client.deleteObject);
const type = { group: "apps", version: "v1", resource: "deployments" };

function deployment(replicas = 2, version = "10"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "demo", uid: "u1", resourceVersion: version },
    spec: { replicas, template: { metadata: { labels: { app: "web" } } } },
  };
}

function ListPage() {
  return <p>the list{useLocation().search}</p>;
}

function show(object: KubeObject, onChanged = vi.fn()) {
  const cluster = { cluster: "dev", kinds: [], user: null, namespaces: ["demo"], setNamespaces() {} };
  render(
    <ClusterContext.Provider value={cluster}>
      <MemoryRouter initialEntries={["/c/dev/r/apps/v1/deployments/demo/web?ns=demo&container=x"]}>
        <Routes>
          <Route
            path="/c/:cluster/r/:group/:version/:resource/:namespace/:name"
            element={<ActionsBar cluster="dev" type={type} served={undefined} object={object} disabled={false} onChanged={onChanged} />}
          />
          <Route path="/c/:cluster/r/:group/:version/:resource" element={<ListPage />} />
        </Routes>
      </MemoryRouter>
    </ClusterContext.Provider>,
  );
  return onChanged;
}

beforeEach(() => {
  edit.mockReset();
  deleteObject.mockReset();
});
afterEach(cleanup);

describe("Scale", () => {
  it("saves replicas from the object as shown and reports the outcome", async () => {
    const saved = deployment(4, "11");
    edit.mockResolvedValue({ outcome: "applied", object: saved });
    const onChanged = show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Scale" }));
    const dialog = screen.getByRole("dialog", { name: "Scale Deployment web" });
    const input = within(dialog).getByLabelText("Replicas");
    await userEvent.clear(input);
    await userEvent.type(input, "4");
    await userEvent.click(within(dialog).getByRole("button", { name: "Scale" }));
    expect(edit).toHaveBeenCalledWith(deployment(), deployment(4), { cluster: "dev" });
    expect(await screen.findByTestId("action-result")).toHaveTextContent("Scaled web to 4");
    expect(onChanged).toHaveBeenCalledWith(saved);
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("shows a conflict on replicas and retries with the user's value against their version", async () => {
    const theirs = deployment(7, "12");
    edit
      .mockResolvedValueOnce({ outcome: "conflict", theirs, conflicts: [{ path: "/spec/replicas", base: 2, theirs: 7, mine: 3 }] })
      .mockResolvedValueOnce({ outcome: "applied", object: deployment(3, "13") });
    show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Scale" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.clear(within(dialog).getByLabelText("Replicas"));
    await userEvent.type(within(dialog).getByLabelText("Replicas"), "3");
    await userEvent.click(within(dialog).getByRole("button", { name: "Scale" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Someone else changed replicas to 7 meanwhile (it was 2); you wanted 3.",
    );
    await userEvent.click(within(dialog).getByRole("button", { name: "Retry with mine" }));
    expect(edit).toHaveBeenLastCalledWith(deployment(), deployment(3), {
      cluster: "dev",
      resolutions: [{ path: "/spec/replicas", take: "mine" }],
      theirsResourceVersion: "12",
    });
    expect(await screen.findByTestId("action-result")).toHaveTextContent(
      "Scaled web to 3, replacing the other change to the same field",
    );
  });

  it("refuses what is not a replica count", async () => {
    show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Scale" }));
    const dialog = screen.getByRole("dialog");
    await userEvent.clear(within(dialog).getByLabelText("Replicas"));
    await userEvent.type(within(dialog).getByLabelText("Replicas"), "1.5");
    expect(within(dialog).getByRole("button", { name: "Scale" })).toBeDisabled();
    expect(edit).not.toHaveBeenCalled();
  });
});

describe("Restart", () => {
  it("annotates the pod template through the edit protocol after confirmation", async () => {
    edit.mockResolvedValue({ outcome: "merged", object: deployment(2, "11") });
    show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Restart" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Restart" }));
    const [base, mine] = edit.mock.calls[0];
    expect(base).toEqual(deployment());
    expect(mine.spec.template.metadata.annotations[RESTARTED_AT]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await screen.findByTestId("action-result")).toHaveTextContent(
      "Restarting web: its pods are being replaced, merged with a change made meanwhile",
    );
  });
});

describe("Delete", () => {
  it("goes back to the list once deleted", async () => {
    deleteObject.mockResolvedValue({ outcome: "deleted", object: {} });
    show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog", { name: "Delete Deployment web?" });
    expect(dialog).toHaveTextContent("Its ReplicaSets and their Pods are deleted by the garbage collector");
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(deleteObject).toHaveBeenCalledWith(deployment(), "dev");
    expect(await screen.findByText("the list?ns=demo")).toBeInTheDocument();
  });

  it("deletes nothing when the object changed, and shows the new version", async () => {
    const theirs = deployment(5, "12");
    deleteObject.mockResolvedValue({ outcome: "changed", theirs });
    const onChanged = show(deployment());
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith(theirs));
    expect(screen.getByTestId("action-result")).toHaveTextContent(
      "web was changed since you loaded it, so nothing was deleted. Review the change and delete again.",
    );
  });
});
