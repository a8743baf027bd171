// Client-side routing with the History API: links are real <a href> (keyboard, middle-click and
// screen readers work as usual); a plain click is handled here without reloading the page.
import type { AnchorHTMLAttributes, ComponentChildren } from "preact";
import { Store, useStore } from "./store";

export interface Location {
  path: string;
  query: URLSearchParams;
}

const current = () => ({ path: window.location.pathname, query: new URLSearchParams(window.location.search) });
export const location = new Store<Location>(current());
window.addEventListener("popstate", () => location.set(current()));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  location.set(current());
  window.scrollTo(0, 0);
}

export const useLocation = () => useStore(location);

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** Matches "/product/:sku" against a path; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const found = new RegExp(`^${source}/?$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
}
