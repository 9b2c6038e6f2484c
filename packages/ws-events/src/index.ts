/**
 * `@bcs/ws-events` will stream live taskgroup status over WebSocket, attached to a server you own
 * (`attachEventStream({ wss, events })`). It is an empty shell until its issue lands; nothing is exported yet.
 */
export const WS_EVENTS_STATUS = 'not implemented yet' as const;
