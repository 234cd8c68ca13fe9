import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  // MDX pages (the overview, the widget reference) and the story files; preview.ts sorts the overview first.
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  // addon-docs: a Docs page per story file (prop tables from the components' TSDoc) and the MDX pages.
  addons: ['@storybook/addon-docs', '@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // ELK and uPlot make large chunks; that is expected for a gallery. The widgets' deps are
  // pre-bundled up front: discovered mid-run (a clean clone's first `npm test`), Vite
  // re-optimizes and the stories already loaded get a second copy of React.
  viteFinal: async (c) => ({
    ...c,
    build: { ...c.build, chunkSizeWarningLimit: 4096 },
    optimizeDeps: {
      ...c.optimizeDeps,
      include: [...(c.optimizeDeps?.include ?? []), 'react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', '@xstate/react', 'uplot', 'rxjs', 'xstate', 'elkjs/lib/elk.bundled.js', 'react-dom/server', '@statelyai/inspect'],
    },
  }),
};
export default config;
