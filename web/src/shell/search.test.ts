import { describe, expect, it } from "vitest";
import { isObjectName, matchKinds, matchNames, parseQuery, resolveKind } from "./search";
import { served } from "./servedKind.fixture";

const kinds = [
  served("", "Pod", "pods", { shortNames: ["po"] }),
  served("", "PodTemplate", "podtemplates"),
  served("policy", "PodDisruptionBudget", "poddisruptionbudgets", { shortNames: ["pdb"] }),
  served("", "ConfigMap", "configmaps", { shortNames: ["cm"] }),
  served("apps", "Deployment", "deployments", { shortNames: ["deploy"] }),
  served("apps", "Deployment", "deployments", { version: "v1beta2", preferred: false }),
  served("demo.concord.dev", "Widget", "widgets", { shortNames: ["wd"] }),
  served("other.example.com", "Pod", "pods"),
  served("authorization.k8s.io", "SelfSubjectReview", "selfsubjectreviews", { verbs: ["create"] }),
];

const kindNames = (text: string) => matchKinds(kinds, text).map((k) => `${k.kind}.${k.group}`);

describe("matchKinds", () => {
  it("finds kinds by short name, plural, singular and kind", () => {
    expect(kindNames("deploy")).toEqual(["Deployment.apps"]);
    expect(kindNames("cm")).toEqual(["ConfigMap."]);
    expect(kindNames("widgets")).toEqual(["Widget.demo.concord.dev"]);
    expect(kindNames("ConfigMap")).toEqual(["ConfigMap."]);
  });

  it("ranks exact names before prefixes before substrings, built-in groups first", () => {
    expect(kindNames("pod")).toEqual(["Pod.", "Pod.other.example.com", "PodTemplate.", "PodDisruptionBudget.policy"]);
    expect(kindNames("budget")).toEqual(["PodDisruptionBudget.policy"]);
  });

  it("offers neither kinds that cannot be listed nor other versions", () => {
    expect(kindNames("selfsubject")).toEqual([]);
    expect(matchKinds(kinds, "deployments")).toHaveLength(1);
    expect(kindNames("  ")).toEqual([]);
  });
});

describe("resolveKind", () => {
  it("resolves like kubectl, built-in groups winning", () => {
    expect(resolveKind(kinds, "po")?.group).toBe("");
    expect(resolveKind(kinds, "pods.other.example.com")?.group).toBe("other.example.com");
    expect(resolveKind(kinds, "wd")?.kind).toBe("Widget");
    expect(resolveKind(kinds, "dep")).toBeUndefined();
  });
});

describe("parseQuery", () => {
  it("splits a kind from a name", () => {
    expect(parseQuery("deploy/web")).toEqual({ kind: "deploy", name: "web" });
    expect(parseQuery(" web ")).toEqual({ kind: null, name: "web" });
    expect(parseQuery("cm/")).toEqual({ kind: "cm", name: "" });
  });
});

describe("isObjectName", () => {
  it("accepts names the cluster could have", () => {
    expect(isObjectName("web-7d4b9c-x2x")).toBe(true);
    expect(isObjectName("node1.example.com")).toBe(true);
    expect(isObjectName("system:controller")).toBe(true);
    expect(isObjectName("a,b")).toBe(false);
    expect(isObjectName("Web")).toBe(false);
    expect(isObjectName("")).toBe(false);
  });
});

describe("matchNames", () => {
  it("puts prefixes first and stops at the limit", () => {
    const items = ["api-web", "web-1", "db", "web-2", "x-web"].map((name) => ({ name }));
    expect(matchNames(items, "web").map((i) => i.name)).toEqual(["web-1", "web-2", "api-web", "x-web"]);
    expect(matchNames(items, "web", 2).map((i) => i.name)).toEqual(["web-1", "web-2"]);
    expect(matchNames(items, "")).toEqual([]);
  });
});
