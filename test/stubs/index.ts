export * from './stub-core.js';
export * from './sendgrid.stub.js';
export * from './twilio.stub.js';
export * from './fcm.stub.js';
