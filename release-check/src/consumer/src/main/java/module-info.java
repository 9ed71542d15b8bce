/** A user's modular application: names Strata's modules by their stable module names. */
module dev.strata.consumer {
  requires dev.strata.cache;
  requires dev.strata.cache.local;
  requires dev.strata.cache.redis;
  requires dev.strata.lb;
}
