import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import * as client from "../api/client";
import type { KubeObject, ServedKind } from "../api/types";
import type { WatchHandlers } from "../api/watch";
import { EditTab } from "./EditTab";
import { deployment } from "./fixtures/deployment";

vi.mock("../api/client", async (original) => ({
  ...(await original<typeof import("../api/client")>()),
  edit: vi.fn(),
  merge: vi.fn(),
  create: vi.fn(),
  getObject: vi.fn(),
}));

let stream: WatchHandlers<KubeObject> | undefined;
vi.mock("../api/watch", () => ({
  follow: (_c: string, _t: unknown, _o: unknown, _v: string, handlers: WatchHandlers<KubeObject>) => {
    stream = handlers;
    return () => {
      stream = undefined;
    };
  },
}));

const edit = vi.mocked(client.edit);
const merge = vi.mocked(client.merge);
const getObject = vi.mocked(client.getObject);
const create = vi.mocked(client.create);

const served: ServedKind = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  resource: "deployments",
  singular: "deployment",
  preferred: true,
  namespaced: true,
  verbs: ["get", "patch", "update"],
  shortNames: ["deploy"],
  categories: ["all"],
  subresources: ["scale", "status"],
};
const type = { group: "apps", version: "v1", resource: "deployments" };

/** The live object after someone else's change: a later version with their manager's entry. */
function changedBySomeone(change: (o: KubeObject) => void, manager = "kubectl-annotate", version = "1100"): KubeObject {
  const theirs = deployment();
  change(theirs);
  theirs.metadata.resourceVersion = version;
  theirs.metadata.managedFields = [
    ...theirs.metadata.managedFields!,
    {
      manager,
      operation: "Update",
      time: new Date(Date.now() - 120_000).toISOString(),
      fieldsV1: { "f:metadata": { "f:annotations": { "f:example.com/note": {} } }, "f:spec": { "f:replicas": {} } },
    },
  ];
  return theirs;
}

function setup(object = deployment()) {
  const onSaved = vi.fn();
  render(<EditTab cluster="sandbox" type={type} served={served} object={object} onSaved={onSaved} />);
  return { onSaved, user: userEvent.setup() };
}

async function addLabel(user: ReturnType<typeof userEvent.setup>, key: string, value: string) {
  await user.type(screen.getByLabelText("New label key"), key);
  await user.type(screen.getByLabelText("New label value"), value);
  await user.click(screen.getByRole("button", { name: "Add label" }));
}

function editorText() {
  return screen.getByLabelText("YAML editor").textContent ?? "";
}

// jsdom lays nothing out; CodeMirror measures text ranges, so give them empty boxes.
Range.prototype.getClientRects = () => Object.assign([] as DOMRect[], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getBoundingClientRect = () => new DOMRect();

beforeEach(() => {
  sessionStorage.clear();
  vi.clearAllMocks();
});
afterEach(cleanup);

describe("EditTab", () => {
  it("shows the draft without server-set fields and edits it through the forms", async () => {
    const { user } = setup();
    expect(editorText()).toContain("kind: Deployment");
    expect(editorText()).not.toContain("managedFields");
    expect(editorText()).not.toContain("resourceVersion");
    await addLabel(user, "tier", "frontend");
    expect(editorText()).toContain("tier: frontend");
    await user.clear(screen.getByLabelText("Replicas"));
    await user.type(screen.getByLabelText("Replicas"), "5");
    expect(editorText()).toContain("replicas: 5");
    await user.clear(screen.getByLabelText("Image of web"));
    await user.type(screen.getByLabelText("Image of web"), "nginx:1.28");
    expect(editorText()).toContain("image: nginx:1.28");
    await user.click(screen.getByRole("button", { name: "Remove label app" }));
    expect(editorText()).not.toMatch(/^ {4}app: web$/m);
  });

  it("refuses an invalid label key at the field", async () => {
    const { user } = setup();
    await user.type(screen.getByLabelText("New label key"), "-bad");
    expect(screen.getByRole("button", { name: "Add label" })).toBeDisabled();
    expect(screen.getByLabelText("New label key")).toHaveAccessibleDescription(/start and end with a letter or digit/);
  });

  it("reviews only the user's change and saves it against the base as loaded", async () => {
    const base = deployment();
    const { user, onSaved } = setup(base);
    await addLabel(user, "tier", "frontend");
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    const list = screen.getByRole("list", { name: "Fields you changed" });
    expect(within(list).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["added metadata.labels.tier"]);

    const live = deployment();
    live.metadata.labels!.tier = "frontend";
    live.metadata.resourceVersion = "1050";
    edit.mockResolvedValueOnce({ outcome: "applied", object: live });
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved");
    const [sentBase, sentMine, options] = edit.mock.calls[0];
    expect(sentBase).toEqual(deployment());
    expect(sentMine.metadata.labels).toEqual({ ...base.metadata.labels, tier: "frontend" });
    expect(sentMine.metadata.resourceVersion).toBe("1042");
    expect(sentMine.metadata.managedFields).toEqual(base.metadata.managedFields);
    expect(sentMine.status).toEqual(base.status);
    expect(options).toEqual({ cluster: "sandbox", resolutions: undefined, theirsResourceVersion: undefined });
    expect(onSaved).toHaveBeenCalledWith(live);
    expect(screen.getByRole("button", { name: "Discard my changes" })).toBeDisabled();
  });

  it("keeps the draft and shows the cluster's refusal", async () => {
    const { user } = setup();
    await addLabel(user, "tier", "frontend");
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    edit.mockRejectedValueOnce(new ApiError(422, "invalid", 'Deployment.apps "web" is invalid: spec.replicas: Invalid value'));
    await user.click(screen.getByRole("button", { name: "Save" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Invalid (422)");
    expect(alert).toHaveTextContent("spec.replicas: Invalid value");
    expect(editorText()).toContain("tier: frontend");
  });

  it("tells who else changed the object while editing and merges their change into the draft", async () => {
    const { user } = setup();
    await addLabel(user, "tier", "frontend");
    const theirs = changedBySomeone((o) => (o.metadata.annotations!["example.com/note"] = "hi"));
    getObject.mockResolvedValueOnce(theirs);
    act(() => stream!.change("MODIFIED", { ...theirs, metadata: { ...theirs.metadata, managedFields: undefined } }));
    const banner = await screen.findByTestId("changed-banner");
    expect(banner).toHaveAttribute("role", "status");
    expect(banner).toHaveTextContent("kubectl-annotate changed this object 2 minutes ago");
    expect(banner).toHaveTextContent('added metadata.annotations["example.com/note"]');
    expect(editorText()).toContain("tier: frontend");

    await user.click(within(banner).getByRole("button", { name: "Show their change" }));
    expect(within(banner).getByLabelText("Their version (kubectl-annotate)")).toBeInTheDocument();

    const merged = deployment();
    merged.metadata.labels!.tier = "frontend";
    merged.metadata.annotations!["example.com/note"] = "hi";
    merge.mockResolvedValueOnce({ outcome: "merged", object: merged });
    await user.click(within(banner).getByRole("button", { name: "Merge their change" }));
    await screen.findByText("Merged kubectl-annotate's change into your edit");
    expect(merge.mock.calls[0][1]).toEqual(theirs);
    expect(merge.mock.calls[0][2].metadata.labels?.tier).toBe("frontend");
    expect(screen.queryByTestId("changed-banner")).toBeNull();
    expect(editorText()).toContain("example.com/note: hi");

    // The next save is a plain patch from their version.
    edit.mockResolvedValueOnce({ outcome: "applied", object: { ...merged, metadata: { ...merged.metadata, resourceVersion: "1200" } } });
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    expect(within(screen.getByRole("list", { name: "Fields you changed" })).getAllByRole("listitem")).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByText("Saved");
    expect(edit.mock.calls[0][0]).toEqual(theirs);
  });

  it("follows someone else's version silently-but-visibly when nothing was typed", async () => {
    setup();
    const theirs = changedBySomeone((o) => (o.spec.replicas = 7), "hpa");
    getObject.mockResolvedValueOnce(theirs);
    act(() => stream!.change("MODIFIED", theirs));
    const banner = await screen.findByTestId("changed-banner");
    expect(banner).toHaveTextContent("hpa changed this object");
    expect(banner).toHaveTextContent("the editor now shows their version");
    expect(within(banner).queryByRole("button", { name: "Merge their change" })).toBeNull();
    expect(editorText()).toContain("replicas: 7");
  });

  it("ignores status-only changes and the echo of its own save", async () => {
    setup();
    const statusOnly = deployment();
    statusOnly.metadata.resourceVersion = "1043";
    statusOnly.status = { replicas: 2 };
    getObject.mockResolvedValueOnce(statusOnly);
    act(() => stream!.change("MODIFIED", statusOnly));
    await waitFor(() => expect(getObject).toHaveBeenCalledOnce());
    expect(screen.queryByTestId("changed-banner")).toBeNull();
    // The same version again, and the base itself, are not news.
    act(() => stream!.change("MODIFIED", statusOnly));
    act(() => stream!.snapshot([statusOnly], true));
    expect(getObject).toHaveBeenCalledOnce();
  });

  it("resolves a conflict per field and saves with the choices against their version", async () => {
    const { user, onSaved } = setup();
    await user.clear(screen.getByLabelText("Replicas"));
    await user.type(screen.getByLabelText("Replicas"), "2");
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    const theirs = changedBySomeone((o) => (o.spec.replicas = 5), "alice");
    edit.mockResolvedValueOnce({
      outcome: "conflict",
      theirs,
      conflicts: [{ path: "/spec/replicas", base: 3, theirs: 5, mine: 2 }],
    });
    await user.click(screen.getByRole("button", { name: "Save" }));
    const region = await screen.findByRole("region", { name: "Conflicts" });
    expect(region).toHaveTextContent("changed by both you and alice");

    // Cancelling keeps the draft.
    await user.click(within(region).getByRole("button", { name: "Cancel" }));
    expect(editorText()).toContain("replicas: 2");

    await user.click(screen.getByRole("button", { name: "Review changes" }));
    edit.mockResolvedValueOnce({
      outcome: "conflict",
      theirs,
      conflicts: [{ path: "/spec/replicas", base: 3, theirs: 5, mine: 2 }],
    });
    await user.click(screen.getByRole("button", { name: "Save" }));
    const again = await screen.findByRole("region", { name: "Conflicts" });
    await user.click(within(within(again).getByRole("radiogroup", { name: "spec.replicas" })).getByLabelText("Keep mine"));
    const saved = { ...theirs, spec: { ...theirs.spec, replicas: 2 }, metadata: { ...theirs.metadata, resourceVersion: "1300" } };
    edit.mockResolvedValueOnce({ outcome: "merged", object: saved });
    await user.click(within(again).getByRole("button", { name: "Save with these choices" }));
    await screen.findByTestId("save-result");
    expect(edit.mock.calls[2][2]).toEqual({
      cluster: "sandbox",
      resolutions: [{ path: "/spec/replicas", take: "mine" }],
      theirsResourceVersion: "1100",
    });
    expect(onSaved).toHaveBeenCalledWith(saved);
  });

  it("keeps the edit when the object is gone and creates it again on request", async () => {
    const { user, onSaved } = setup();
    await addLabel(user, "tier", "frontend");
    await user.click(screen.getByRole("button", { name: "Review changes" }));
    edit.mockResolvedValueOnce({ outcome: "gone", reason: "deleted" });
    await user.click(screen.getByRole("button", { name: "Save" }));
    const banner = await screen.findByTestId("gone-banner");
    expect(banner).toHaveTextContent("This object was deleted before your save. Nothing was written.");
    expect(editorText()).toContain("tier: frontend");
    const recreated = deployment();
    recreated.metadata.uid = "new";
    create.mockResolvedValueOnce({ outcome: "created", object: recreated });
    await user.click(within(banner).getByRole("button", { name: "Create it again" }));
    await screen.findByText("Created again from your edit");
    const sent = create.mock.calls[0][0];
    expect(sent.metadata.labels!.tier).toBe("frontend");
    expect(sent.metadata.uid).toBeUndefined();
    expect(sent.metadata.resourceVersion).toBeUndefined();
    expect(sent.status).toBeUndefined();
    expect(onSaved).toHaveBeenCalledWith(recreated);
  });

  it("says so when the object is deleted while editing", async () => {
    setup();
    act(() => stream!.change("DELETED", deployment()));
    expect(await screen.findByTestId("gone-banner")).toHaveTextContent("deleted while you were editing");
  });

  it("restores an unsaved draft after leaving the tab", async () => {
    const { user } = setup();
    await addLabel(user, "tier", "frontend");
    cleanup();
    setup();
    expect(editorText()).toContain("tier: frontend");
    expect(screen.getByText(/Your unsaved edit from before was restored/)).toBeInTheDocument();
  });
});
