import type { Preview } from '@storybook/react-vite';

const preview: Preview = {
  // Every story file gets a Docs page: its stories, their controls and the component's props.
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true, sort: 'requiredFirst' },
    options: {
      // The overview is the first entry, so Storybook opens on it; then the widgets, dashboard first.
      storySort: {
        order: ['Overview', 'Widget reference', 'Widgets', ['Dashboard', 'Components', 'Patterns', 'Overload', 'Faults'], 'Inspector', ['Engine inspector', 'State charts', 'Relay viewer']],
      },
    },
  },
};
export default preview;
