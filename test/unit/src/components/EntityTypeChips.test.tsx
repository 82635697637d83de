// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { EntityTypeChips } from '../../../../src/components/EntityTypeChips';
import { addTypes, moveItem, removeAt } from '../../../../src/lib/entity-types';

function Harness({ initial = [] as string[] }) {
  const [types, setTypes] = useState<string[]>(initial);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <EntityTypeChips
      types={types}
      notice={notice}
      onAdd={(raw) => {
        const { list, duplicates } = addTypes(types, raw);
        setTypes(list);
        setNotice(duplicates.length ? `dup: ${duplicates.join(',')}` : null);
        return duplicates.length === 0;
      }}
      onRemove={(i) => setTypes(removeAt(types, i))}
      onMove={(from, to) => setTypes(moveItem(types, from, to))}
    />
  );
}

const chips = () =>
  within(screen.getByRole('list', { name: 'Entity types' }))
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('[data-chip]')!.textContent);
const input = () => screen.getByLabelText('Entity types', { selector: 'input' });

afterEach(cleanup);

describe('EntityTypeChips', () => {
  it('adds with Enter and comma, trims, and ignores duplicates case-insensitively', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.type(input(), 'person{Enter}  drug ,Programming  language{Enter}');
    expect(chips()).toEqual(['person', 'drug', 'Programming language']);
    await user.type(input(), 'PERSON{Enter}');
    expect(chips()).toEqual(['person', 'drug', 'Programming language']);
    expect(screen.getByRole('status').textContent).toContain('PERSON');
    expect((input() as HTMLInputElement).value).toBe('');
  });

  it('adds every item of a pasted comma list', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.click(input());
    await user.paste('gene, protein, cell line');
    expect(chips()).toEqual(['gene', 'protein']);
    expect((input() as HTMLInputElement).value).toBe('cell line');
    await user.keyboard('{Enter}');
    expect(chips()).toEqual(['gene', 'protein', 'cell line']);
  });

  it('removes the last chip with Backspace in the empty field, and any chip with its button', async () => {
    const user = userEvent.setup();
    render(<Harness initial={['a', 'b', 'c']} />);
    await user.click(input());
    await user.keyboard('{Backspace}');
    expect(chips()).toEqual(['a', 'b']);
    await user.click(screen.getByRole('button', { name: 'Remove a' }));
    expect(chips()).toEqual(['b']);
  });

  it('reorders with the move buttons and with arrow keys on a focused chip (focus follows)', async () => {
    const user = userEvent.setup();
    render(<Harness initial={['a', 'b', 'c']} />);
    await user.click(screen.getByRole('button', { name: 'Move a later' }));
    expect(chips()).toEqual(['b', 'a', 'c']);
    expect((screen.getByRole('button', { name: 'Move b earlier' }) as HTMLButtonElement).disabled).toBe(true);

    const c = screen.getByText('c', { selector: '[data-chip]' });
    c.focus();
    await user.keyboard('{ArrowLeft}');
    expect(chips()).toEqual(['b', 'c', 'a']);
    expect(document.activeElement?.textContent).toBe('c');
    await user.keyboard('{ArrowLeft}');
    expect(chips()).toEqual(['c', 'b', 'a']);
    await user.keyboard('{ArrowLeft}'); // already first: unchanged
    expect(chips()).toEqual(['c', 'b', 'a']);
    await user.keyboard('{ArrowRight}');
    expect(chips()).toEqual(['b', 'c', 'a']);
    await user.keyboard('{Backspace}');
    expect(chips()).toEqual(['b', 'a']);
  });
});
