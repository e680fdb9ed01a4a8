import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { Composer } from "./Composer";

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn<(content: string) => Promise<void>>().mockResolvedValue(undefined);
  render(<Composer onSend={onSend} {...props} />);
  return { onSend, box: screen.getByRole("textbox", { name: "Message" }) };
}

describe("Composer", () => {
  it("sends the trimmed text on Enter and clears the box", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "  hello Aira  {Enter}");
    expect(onSend).toHaveBeenCalledExactlyOnceWith("hello Aira");
    expect(box).toHaveValue("");
  });

  it("adds a new line on Shift+Enter instead of sending", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "first{Shift>}{Enter}{/Shift}second");
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("first\nsecond");
  });

  it("does not send while a Korean input method is composing", () => {
    const { onSend, box } = setup();
    fireEvent.change(box, { target: { value: "안녕하세요" } });
    fireEvent.compositionStart(box);
    // The Enter that confirms the last syllable: flagged as composing, keyCode 229.
    fireEvent.keyDown(box, { key: "Enter", isComposing: true, keyCode: 229 });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("안녕하세요");
  });

  it("sends exactly once when Enter follows a finished composition", async () => {
    const { onSend, box } = setup();
    fireEvent.compositionStart(box);
    fireEvent.change(box, { target: { value: "안녕" } });
    fireEvent.keyDown(box, { key: "Enter", isComposing: true, keyCode: 229 });
    fireEvent.compositionEnd(box);
    await new Promise((resolve) => setTimeout(resolve, 0));
    fireEvent.keyDown(box, { key: "Enter" });
    fireEvent.keyDown(box, { key: "Enter" });
    await waitFor(() => expect(onSend).toHaveBeenCalledExactlyOnceWith("안녕"));
  });

  it("ignores blank messages", async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, "   {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
  });

  it("gives the text back when sending fails", async () => {
    const onSend = vi.fn<(content: string) => Promise<void>>().mockRejectedValue(new Error("offline"));
    const { box } = setup({ onSend });
    await userEvent.type(box, "keep me{Enter}");
    await waitFor(() => expect(box).toHaveValue("keep me"));
  });

  it("offers Stop instead of Send while an answer is being written", async () => {
    const onStop = vi.fn();
    const { onSend, box } = setup({ busy: true, onStop });
    await userEvent.type(box, "next question{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Stop answer" }));
    expect(onStop).toHaveBeenCalledOnce();
  });
});
