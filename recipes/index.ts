// Public recipes API. Explicit named exports only.
export {};
