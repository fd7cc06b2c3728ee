// Service discovery family: explicit named exports only.
export { type DownInstancePolicy, DownInstanceTracker } from './down-instance-policy.js';
export { type ProviderStrategy, random, roundRobin, sticky } from './provider-strategy.js';
export { ServiceDiscovery, type ServiceDiscoveryOptions } from './service-discovery.js';
export {
  buildUri,
  decodeServiceInstance,
  encodeServiceInstance,
  InvalidServiceInstanceError,
  type ServiceInstance,
  type ServiceType,
} from './service-instance.js';
export { ServiceProvider, type ServiceProviderOptions } from './service-provider.js';
export {
  type RegisterOptions,
  ServiceRegistration,
  ServiceRegistry,
  type ServiceRegistryOptions,
} from './service-registry.js';
export { weighted, type WeightedOptions } from './weighted-strategy.js';
