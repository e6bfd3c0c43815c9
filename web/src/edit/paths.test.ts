import { describe, expect, it } from "vitest";
import { pointerToPath } from "./paths";

describe("pointerToPath", () => {
  it("reads the server's keyed pointers", () => {
    expect(pointerToPath("/spec/replicas")).toBe("spec.replicas");
    expect(pointerToPath("/spec/template/spec/containers/name=web/image")).toBe(
      "spec.template.spec.containers[name=web].image",
    );
    expect(pointerToPath("/spec/ports/port=80,protocol=TCP")).toBe("spec.ports[port=80,protocol=TCP]");
    expect(pointerToPath("/metadata/annotations/example.com~1owner")).toBe('metadata.annotations["example.com/owner"]');
  });

  it("tells a map key containing = from a list selector by the documents", () => {
    const doc = { metadata: { annotations: { "a=b": "x" } }, spec: { args: ["--x"] } };
    expect(pointerToPath("/metadata/annotations/a=b", doc)).toBe('metadata.annotations["a=b"]');
    expect(pointerToPath("/spec/args/0", doc)).toBe("spec.args[0]");
  });
});
