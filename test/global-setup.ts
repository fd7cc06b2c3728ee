// Placeholder: replaced by the testing kit's shared-ensemble setup.
export default async function setup(): Promise<void> {}
