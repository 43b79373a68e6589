// Moved to api/client/event-recorder.ts (the agent records events too, and may import only api/).
// Kept for the files still being edited elsewhere; remove once nothing imports it.
export * from '../../api/client/event-recorder.ts';
