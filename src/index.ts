// Public client API. Explicit named exports only.
export {};
