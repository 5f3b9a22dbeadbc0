/** Injection tokens of the notifier. */
export const NOTIFIER_CONFIG = Symbol('NOTIFIER_CONFIG');
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');
