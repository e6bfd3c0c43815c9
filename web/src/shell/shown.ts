// The list on screen, offered to the top bar's search so that names of the rows already loaded
// are found at once, without asking the cluster.

import { createContext, useContext, useEffect } from "react";
import type { ServedKind } from "../api/types";

/** What a list page offers the search: its kind and its objects' names. */
export interface ShownList {
  kind: ServedKind;
  names(): Iterable<{ name: string; namespace: string }>;
}

/** Holds the list on screen; provided by the layout, filled by the list page. */
export const ShownListContext = createContext<{ current: ShownList | null }>({ current: null });

/** Offers `list` to the search while the calling page is shown. */
export function useShownList(list: ShownList | null): void {
  const holder = useContext(ShownListContext);
  useEffect(() => {
    holder.current = list;
    return () => {
      if (holder.current === list) holder.current = null;
    };
  }, [holder, list]);
}
