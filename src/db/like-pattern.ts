// LIKE's wildcards and escape character typed by an operator match themselves (PostgreSQL's
// default escape is the backslash). Prisma's startsWith/contains pass their value into LIKE as is.
export const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);
