// The session's palette for every component (core/styles): colours, or none under NO_COLOR or
// --color never. A context, as it is the same for the whole tree and fixed for the session.
import { createContext, useContext } from 'react';
import { COLOUR_PALETTE, type Palette } from '../core/styles.js';

export const PaletteContext = createContext<Palette>(COLOUR_PALETTE);

export const usePalette = (): Palette => useContext(PaletteContext);
