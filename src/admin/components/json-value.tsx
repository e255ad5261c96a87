// A JSON column on a show page (an approval's payload, a run's input, result and error), as
// indented JSON rather than AdminJS's empty "mixed" rendering.
import React from 'react';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';
import { Box, Label } from '@adminjs/design-system';

const JsonValue = ({ property, record }: BasePropertyProps) => {
  const { translateProperty } = useTranslation();
  const value = flat.get(record?.params ?? {}, property.path);
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, property.resourceId)}</Label>
      <pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontSize: 13 }} data-testid={`json-${property.path}`}>
        {value === undefined || value === null ? '—' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
      </pre>
    </Box>
  );
};

export default JsonValue;
