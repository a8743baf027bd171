// Signing in as a shopper does: a button of the storefront sends the browser to the hosted UI
// (the fake shop's, or local mode's stand-in for Cognito's), the user's name and password go in
// there, and the shop shows "Sign out" once it holds the tokens. The browser suites' one way in.
import type { Page } from "playwright-core";

export async function signIn(page: Page, user: { email: string; password: string }, button = "Sign in") {
  await page.getByRole("button", { name: button, exact: true }).click();
  // Playwright matches a label's text case-insensitively, as a substring: both hosted UIs' fields.
  await page.getByLabel("Username").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
}
