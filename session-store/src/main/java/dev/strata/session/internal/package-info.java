/**
 * Implementation details of the session store, not an API: id generation, the Lua scripts, parsing
 * of session hashes, the principal index, the Redis call discipline and the counters.
 */
@NullMarked
package dev.strata.session.internal;

import org.jspecify.annotations.NullMarked;
