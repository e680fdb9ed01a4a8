import { useCallback, useEffect, useRef, useState } from "react";

const NEAR_BOTTOM_PX = 64;

/**
 * Keeps a scroll container pinned to its bottom while content grows (a streaming answer), and
 * stops following as soon as the user scrolls up to read; `jumpToBottom` follows again.
 */
export function useFollowBottom<T extends HTMLElement>() {
  const scroller = useRef<T>(null);
  const content = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const [atBottom, setAtBottom] = useState(true);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const near = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    following.current = near;
    setAtBottom(near);
  }, []);

  const jumpToBottom = useCallback((behavior: ScrollBehavior = "smooth") => {
    const el = scroller.current;
    if (!el) return;
    following.current = true;
    setAtBottom(true);
    el.scrollTo({ top: el.scrollHeight, behavior });
  }, []);

  useEffect(() => {
    const el = content.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (following.current) scroller.current?.scrollTo({ top: scroller.current.scrollHeight });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  return { scroller, content, onScroll, atBottom, jumpToBottom };
}
