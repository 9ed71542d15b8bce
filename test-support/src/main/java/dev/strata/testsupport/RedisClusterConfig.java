package dev.strata.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Shape of the cluster that {@link RedisClusterExtension} starts for the annotated test class.
 * Without it the cluster has 3 masters and no replicas.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface RedisClusterConfig {
  /** Number of masters, at least 1. */
  int masters() default 3;

  /** Replicas of each master, at least 0; at least 1 for {@link RedisCluster#failover(int)}. */
  int replicasPerMaster() default 0;
}
