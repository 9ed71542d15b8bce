/** Implementation details of the session store (id generation, Lua scripts); not an API. */
@NullMarked
package dev.strata.session.internal;

import org.jspecify.annotations.NullMarked;
