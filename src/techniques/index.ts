/**
 * Techniques that extend the built-in dataflows, each one folder under src/techniques/ with a
 * register.ts of registration lines; importing this module registers them all. A new technique
 * is its folder plus one line here.
 */
import './dps/register.js';
import './delta/register.js';
