import { describe, expect, it } from "vitest";
import { switchClusterPath } from "./paths";

describe("switchClusterPath", () => {
  it("keeps a list and its filters, with the other cluster's namespaces", () => {
    expect(switchClusterPath("/c/one/r/apps/v1/deployments", "?ns=a&q=web&sort=Age", "two", ["b"])).toBe(
      "/c/two/r/apps/v1/deployments?ns=b&q=web&sort=Age",
    );
  });

  it("goes from an object to its kind's list", () => {
    expect(switchClusterPath("/c/one/r/core/v1/pods/demo/web-1/logs", "", "two", [])).toBe("/c/two/r/core/v1/pods");
  });

  it("keeps the create page and the overview", () => {
    expect(switchClusterPath("/c/one/create", "?q=x", "two", [])).toBe("/c/two/create");
    expect(switchClusterPath("/c/one", "?ns=a", "t w", ["x", "y"])).toBe("/c/t%20w?ns=x,y");
  });
});
