// The "Impersonate" button of a customer user's record: the start form for that user. Once started,
// the whole backoffice reloads into the impersonation (banner, scoped lists).
import React from 'react';
import { ViewHelpers, type ActionProps } from 'adminjs';
import { Box } from '@adminjs/design-system';
import StartImpersonationForm from './impersonation-start-form';

const ImpersonateAction = ({ record }: ActionProps) => {
  if (!record) return null;
  return (
    <Box variant="container">
      <StartImpersonationForm
        targetUserId={Number(record.id)}
        targetLabel={record.title || `customer user ${record.id}`}
        onStarted={() => window.location.assign(new ViewHelpers().dashboardUrl())}
      />
    </Box>
  );
};

export default ImpersonateAction;
