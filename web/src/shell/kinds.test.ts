import { describe, expect, it } from "vitest";
import type { ServedKind } from "../api/types";
import { pluralTitle, sidebarSections } from "./kinds";
import { served } from "./servedKind.fixture";

const titles = (kinds: ServedKind[]) => kinds.map((k) => k.kind);

describe("sidebarSections", () => {
  const kinds = [
    served("", "Pod", "pods"),
    served("", "Namespace", "namespaces", { namespaced: false }),
    served("apps", "Deployment", "deployments"),
    served("apps", "Deployment", "deployments", { version: "v1beta1", preferred: false }),
    served("", "Event", "events"),
    served("events.k8s.io", "Event", "events"),
    served("coordination.k8s.io", "Lease", "leases"),
    served("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", { verbs: ["create"] }),
    served("demo.concord.dev", "Widget", "widgets"),
    served("gateway.networking.k8s.io", "HTTPRoute", "httproutes"),
    served("gateway.networking.k8s.io", "Gateway", "gateways"),
    served("networking.k8s.io", "Ingress", "ingresses"),
  ];
  const sections = sidebarSections(kinds);

  it("groups built-in kinds as users expect, in their usual order", () => {
    expect(sections.map((s) => s.title)).toEqual(["Cluster", "Workloads", "Network", "Custom resources", "Other"]);
    expect(titles(sections[0].kinds)).toEqual(["Namespace", "Event"]);
    expect(titles(sections[1].kinds)).toEqual(["Pod", "Deployment"]);
    expect(sections[1].kinds[1].version).toBe("v1");
  });

  it("puts every group that is not built in under custom resources, by group", () => {
    const custom = sections.find((s) => s.title === "Custom resources")!;
    expect(custom.subsections!.map((s) => [s.title, titles(s.kinds)])).toEqual([
      ["demo.concord.dev", ["Widget"]],
      ["gateway.networking.k8s.io", ["Gateway", "HTTPRoute"]],
    ]);
  });

  it("keeps remaining listable built-in kinds under Other, without a second Event", () => {
    const other = sections.find((s) => s.title === "Other")!;
    expect(titles(other.kinds)).toEqual(["Lease"]);
  });

  it("leaves out kinds the cluster does not serve", () => {
    expect(sections.flatMap((s) => titles(s.kinds))).not.toContain("StatefulSet");
  });
});

describe("pluralTitle", () => {
  it("spells the plural with the kind's capitals", () => {
    expect(pluralTitle(served("apps", "Deployment", "deployments"))).toBe("Deployments");
    expect(pluralTitle(served("networking.k8s.io", "NetworkPolicy", "networkpolicies"))).toBe("NetworkPolicies");
    expect(pluralTitle(served("", "Endpoints", "endpoints"))).toBe("Endpoints");
    expect(pluralTitle(served("x.io", "Mouse", "mice"))).toBe("mice");
  });
});
