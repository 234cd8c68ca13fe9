import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-vitest'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // ELK and uPlot make large chunks; that is expected for a gallery.
  viteFinal: async (c) => ({ ...c, build: { ...c.build, chunkSizeWarningLimit: 4096 } }),
};
export default config;
