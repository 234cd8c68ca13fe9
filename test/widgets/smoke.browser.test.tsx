import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { StreamEngine } from '../../src/index.js';

test('engine runs in chromium', async () => {
  const e = new StreamEngine();
  const id = e.createConnection('a', 'b', 'out', 'in');
  const screen = await render(<div>{id}</div>);
  await expect.element(screen.getByText('a:out->b:in')).toBeInTheDocument();
  await e.stop();
});
