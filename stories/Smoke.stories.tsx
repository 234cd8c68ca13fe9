import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
const meta: Meta = { title: 'Smoke', component: () => <p>hello</p> };
export default meta;
export const Hello: StoryObj = { play: async ({ canvas }) => { await expect(canvas.getByText('hello')).toBeTruthy(); } };
