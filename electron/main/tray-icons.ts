// Tray icons as 16x16 PNG data URLs (a dot in the control plane's colour): there are no image
// assets to ship, and an empty image makes the tray invisible on Linux and Windows.
export const trayIcons = {
  running:
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAb0lEQVR42mPQW+DMgAVLAHEkEFdDcSRUDEMtNo1zgfg/DjwX3SBkzRZA/BiPZhh+DFWLYoAEkZqRDZFANmAuCZqRvcMAs/0/mViCARrC5BoQyQCNJnINqKaKARR7geJApDgaqZKQKE7KVMlMZGVnAHeKwXTJFz0SAAAAAElFTkSuQmCC',
  busy: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAb0lEQVR42mO4NFOJAQuWAOJIIK6G4kioGIZabBrnAvF/HHguukHImi2A+DEezTD8GKoWxQAJIjUjGyKBbMBcEjQje4cBZvt/MrEEAzSEyTUgkgEaTeQaUE0VAyj2AsWBSHE0UiUhUZyUqZKZyMrOAGldPYOIPbDoAAAAAElFTkSuQmCC',
  failed:
    'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAb0lEQVR42mM4r6THgAVLAHEkEFdDcSRUDEMtNo1zgfg/DjwX3SBkzRZA/BiPZhh+DFWLYoAEkZqRDZFANmAuCZqRvcMAs/0/mViCARrC5BoQyQCNJnINqKaKARR7geJApDgaqZKQKE7KVMlMZGVnAKY9z3QKwmJ1AAAAAElFTkSuQmCC',
} as const;

export type TrayIcon = keyof typeof trayIcons;
