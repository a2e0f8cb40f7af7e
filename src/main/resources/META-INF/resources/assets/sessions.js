// The sessions page: rendered by the server a page at a time; times refresh through common.js.
import { markRendered } from './common.js';

markRendered();
