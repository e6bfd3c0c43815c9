// Browser sessions of the test users: each a browser context of its own (its own cookies),
// signed in through the console's sign-in page with its own token.

import { expect, type Browser, type Page } from "@playwright/test";
import { running, TOKENS } from "./cluster";

export type User = "alice" | "bob";

/** A page signed in as `user` (in the system's light or dark colour scheme). */
export async function signedIn(browser: Browser, user: User, colorScheme: "light" | "dark" = "light"): Promise<Page> {
  const context = await browser.newContext({ baseURL: running().concord, colorScheme });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Token").fill(TOKENS[user]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/c\/sandbox/);
  return page;
}

/** The URL path of an object's page in the test cluster. */
export function objectPath(group: string, version: string, resource: string, namespace: string, name: string, tab = "") {
  return `/c/${running().cluster}/r/${group}/${version}/${resource}/${namespace}/${name}${tab ? `/${tab}` : ""}`;
}
