import { describe, expect, it } from "vitest";
import { namespacesLabel, parseNamespaces, rememberedNamespaces, rememberNamespaces, withNamespaces } from "./namespaces";

describe("namespaces in the URL", () => {
  it("parses and writes ns=a,b", () => {
    expect(parseNamespaces("demo, prod,,demo")).toEqual(["demo", "prod"]);
    expect(parseNamespaces(null)).toEqual([]);
    expect(withNamespaces("?q=web", ["demo", "prod"])).toBe("?q=web&ns=demo,prod");
    expect(withNamespaces("?ns=demo&q=web", [])).toBe("?q=web");
    expect(withNamespaces("", [])).toBe("");
  });

  it("labels the choice", () => {
    expect(namespacesLabel([])).toBe("All namespaces");
    expect(namespacesLabel(["demo"])).toBe("demo");
    expect(namespacesLabel(["demo", "a", "b"])).toBe("demo +2");
  });

  it("remembers the choice per cluster", () => {
    rememberNamespaces("one", ["demo"]);
    rememberNamespaces("two", []);
    expect(rememberedNamespaces("one")).toEqual(["demo"]);
    expect(rememberedNamespaces("two")).toEqual([]);
    expect(rememberedNamespaces("three")).toEqual([]);
  });
});
