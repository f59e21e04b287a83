// EventSpec builders for the Windows events the demo writes: Sysmon, Security, System, PowerShell,
// Application (ESENT) and Directory Service, with the field sets Windows itself writes.
export * from './events-common.js';
export * from './events-sysmon.js';
export * from './events-security.js';
export * from './events-system.js';
