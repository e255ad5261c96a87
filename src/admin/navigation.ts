// The sidebar groups of the backoffice, in seed 000's console order.
export const NAVIGATION: Record<string, { name: string; icon: string }> = {
  Orders: { name: 'Orders', icon: 'ShoppingCart' },
  Shipping: { name: 'Shipping', icon: 'Truck' },
  Payments: { name: 'Payments', icon: 'CreditCard' },
  Disputes: { name: 'Disputes', icon: 'AlertTriangle' },
  Risk: { name: 'Risk', icon: 'Shield' },
  'Trust & Catalog': { name: 'Trust & Catalog', icon: 'Package' },
  Support: { name: 'Support', icon: 'LifeBuoy' },
  // The operator's own work across consoles: the approvals inbox, runs and exceptions.
  Actions: { name: 'Actions', icon: 'Activity' },
  // Experiments (src/experiments/), and the flags of issue 6 when they get a screen.
  'Flags & experiments': { name: 'Flags & experiments', icon: 'Flag' },
  Administration: { name: 'Administration', icon: 'Settings' },
};
