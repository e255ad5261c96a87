// A console page used only by tests/console-extension.test.ts: it renders what its API answers.
import React, { useEffect, useState } from 'react';

const WidgetConsole = () => {
  const [body, setBody] = useState(null);
  useEffect(() => {
    fetch('/api/consoles/widgets/items', { credentials: 'same-origin' }).then((r) => r.json()).then(setBody);
  }, []);
  return React.createElement('pre', { 'data-testid': 'widgets' }, body ? JSON.stringify(body) : 'loading');
};

export default WidgetConsole;
