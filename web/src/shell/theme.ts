// The colour theme: light, dark, or the system's, chosen in the top bar, kept in localStorage
// and applied as `data-theme` on <html> (styles.css holds both palettes).

import { useEffect, useState } from "react";

export type ThemeChoice = "light" | "dark" | "system";

const KEY = "concord.theme";
const darkQuery = () => window.matchMedia?.("(prefers-color-scheme: dark)");

/** The saved choice ("system" when none). */
export function savedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Sets `data-theme` for `choice`, resolving "system" to what the system prefers now. */
export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === "dark" || (choice === "system" && darkQuery()?.matches === true);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** The theme choice and its setter; follows the system's changes while "system" is chosen. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(savedTheme);
  useEffect(() => {
    applyTheme(choice);
    if (choice !== "system") return;
    const query = darkQuery();
    const onChange = () => applyTheme("system");
    query?.addEventListener("change", onChange);
    return () => query?.removeEventListener("change", onChange);
  }, [choice]);
  const choose = (next: ThemeChoice) => {
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not persisted, still applied.
    }
    setChoice(next);
  };
  return [choice, choose];
}
