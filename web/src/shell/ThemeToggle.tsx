import { useId } from "react";
import { useTheme, type ThemeChoice } from "./theme";

const CHOICES: { value: ThemeChoice; label: string; icon: string }[] = [
  { value: "light", label: "Light", icon: "☀" },
  { value: "dark", label: "Dark", icon: "☾" },
  { value: "system", label: "System", icon: "◐" },
];

/** Light, dark or the system's theme: three radio buttons, so arrow keys move between them. */
export function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  const name = useId();
  return (
    <fieldset className="theme-toggle">
      <legend className="visually-hidden">Theme</legend>
      {CHOICES.map((choice) => (
        <label key={choice.value} title={`${choice.label} theme`}>
          <input
            type="radio"
            className="visually-hidden"
            name={name}
            value={choice.value}
            checked={theme === choice.value}
            onChange={() => setTheme(choice.value)}
          />
          <span aria-hidden="true">{choice.icon}</span>
          <span className="visually-hidden">{choice.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
