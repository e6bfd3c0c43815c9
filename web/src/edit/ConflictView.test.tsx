import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Conflict } from "../api/types";
import { ConflictView } from "./ConflictView";

afterEach(cleanup);

const conflicts: Conflict[] = [
  { path: "/spec/replicas", base: 3, theirs: 5, mine: 2 },
  { path: "/spec/template/spec/containers/name=web/image", base: "nginx:1.27", mine: "nginx:1.28" },
  { path: "/metadata/labels/tier", theirs: "back", mine: "front" },
  { path: "/metadata/annotations/example.com~1note", base: "a", theirs: { nested: ["x"] } },
];

function setup() {
  const onResolve = vi.fn();
  const onCancel = vi.fn();
  render(
    <ConflictView conflicts={conflicts} who="kubectl-edit" onResolve={onResolve} onCancel={onCancel} />,
  );
  return { onResolve, onCancel, user: userEvent.setup() };
}

describe("ConflictView", () => {
  it("shows every conflict with base, theirs and mine, absent values and what happened", () => {
    setup();
    const region = screen.getByRole("region", { name: "Conflicts" });
    expect(region).toHaveTextContent("All other changes — theirs and yours — merge cleanly and are kept");
    expect(region).toHaveTextContent("changed by both you and kubectl-edit");
    const groups = within(region).getAllByRole("radiogroup");
    expect(groups).toHaveLength(4);

    const replicas = screen.getByRole("radiogroup", { name: "spec.replicas" });
    expect(within(replicas).getByText("Base").parentElement).toHaveTextContent("3");
    expect(within(replicas).getByText("Theirs").parentElement).toHaveTextContent("5");
    expect(within(replicas).getByText("Mine").parentElement).toHaveTextContent("2");
    expect(replicas).toHaveTextContent("Both sides changed this field differently.");

    const image = screen.getByRole("radiogroup", { name: "spec.template.spec.containers[name=web].image" });
    expect(within(image).getByText("Theirs").parentElement).toHaveTextContent("absent");
    expect(image).toHaveTextContent("They removed this field; you changed it.");

    const tier = screen.getByRole("radiogroup", { name: "metadata.labels.tier" });
    expect(within(tier).getByText("Base").parentElement).toHaveTextContent("absent");
    expect(tier).toHaveTextContent("Both sides added this field");

    const note = screen.getByRole("radiogroup", { name: 'metadata.annotations["example.com/note"]' });
    expect(note).toHaveTextContent("You removed this field; they changed it.");
    expect(within(note).getByText("Theirs").parentElement).toHaveTextContent("nested: - x");

    // Keeping the base is not offered: base is context only.
    for (const group of groups) {
      expect(within(group).getAllByRole("radio").map((r) => r.closest("label")?.textContent?.trim())).toEqual([
        "Keep mine",
        "Take theirs",
      ]);
    }
  });

  it("enables saving only once every conflict has a choice, and reports the choices by path", async () => {
    const { onResolve, user } = setup();
    const save = screen.getByRole("button", { name: "Save with these choices" });
    expect(save).toBeDisabled();
    await user.click(within(screen.getByRole("radiogroup", { name: "spec.replicas" })).getByLabelText("Take theirs"));
    await user.click(
      within(screen.getByRole("radiogroup", { name: "spec.template.spec.containers[name=web].image" })).getByLabelText(
        "Keep mine",
      ),
    );
    await user.click(within(screen.getByRole("radiogroup", { name: "metadata.labels.tier" })).getByLabelText("Keep mine"));
    expect(save).toBeDisabled();
    expect(screen.getByText("1 of 4 still to choose")).toBeInTheDocument();
    const note = screen.getByRole("radiogroup", { name: 'metadata.annotations["example.com/note"]' });
    await user.click(within(note).getByLabelText("Take theirs"));
    // A choice can be changed before saving.
    await user.click(within(note).getByLabelText("Keep mine"));
    expect(save).toBeEnabled();
    await user.click(save);
    expect(onResolve).toHaveBeenCalledWith([
      { path: "/spec/replicas", take: "theirs" },
      { path: "/spec/template/spec/containers/name=web/image", take: "mine" },
      { path: "/metadata/labels/tier", take: "mine" },
      { path: "/metadata/annotations/example.com~1note", take: "mine" },
    ]);
  });

  it("chooses one side everywhere at once", async () => {
    const { onResolve, user } = setup();
    await user.click(screen.getByRole("button", { name: "Take theirs everywhere" }));
    await user.click(screen.getByRole("button", { name: "Save with these choices" }));
    expect(onResolve.mock.calls[0][0].map((r: { take: string }) => r.take)).toEqual(["theirs", "theirs", "theirs", "theirs"]);
  });

  it("cancels without resolving anything", async () => {
    const { onResolve, onCancel, user } = setup();
    await user.click(within(screen.getByRole("radiogroup", { name: "spec.replicas" })).getByLabelText("Keep mine"));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onResolve).not.toHaveBeenCalled();
  });

  it("offers merging instead of saving in merge mode", () => {
    render(<ConflictView conflicts={conflicts.slice(0, 1)} action="merge" onResolve={() => {}} onCancel={() => {}} />);
    expect(screen.getByRole("button", { name: "Merge with these choices" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Keep mine everywhere" })).toBeNull();
    expect(screen.getByRole("heading", { level: 2 })).toHaveTextContent("One field changed by both you and Someone else");
  });
});
