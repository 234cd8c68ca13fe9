import { expect, waitFor } from 'storybook/test';

/** Reads a number from an element's data attribute. */
export const num = (el: Element, attr: string) => Number(el.getAttribute(attr) ?? 'NaN');

/**
 * What a person checks on a live widget: it is there, connected, and its message count and
 * rendered content keep changing.
 */
export async function expectLive(canvasElement: HTMLElement, label: string, content: (card: Element) => string = (c) => c.textContent ?? '') {
  const card = await waitFor(() => {
    const el = canvasElement.querySelector(`[role="figure"][aria-label="${label}"]`);
    expect(el).not.toBeNull();
    return el!;
  });
  await waitFor(() => expect(card.getAttribute('data-connected')).toBe('true'), { timeout: 5000 });
  await waitFor(() => expect(num(card, 'data-message-count')).toBeGreaterThan(0), { timeout: 5000 });
  const count = num(card, 'data-message-count');
  const before = content(card);
  await waitFor(
    () => {
      expect(num(card, 'data-message-count')).toBeGreaterThan(count);
      expect(content(card)).not.toBe(before);
    },
    { timeout: 5000 },
  );
  return card;
}
