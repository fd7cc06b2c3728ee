// Naming family: explicit named exports only.
export { IdGenerator, type IdGeneratorOptions, IdSpaceExhaustedError } from './id-generator.js';
export {
  jsonCodec,
  NameAlreadyBoundError,
  type NameCodec,
  NameDecodeError,
  NamingService,
  type NamingServiceOptions,
  utf8Codec,
} from './naming-service.js';
