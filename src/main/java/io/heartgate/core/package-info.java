/**
 * The bottom floor: values and domain failures that every other package may use. It imports nothing of
 * Heartgate's own.
 */
package io.heartgate.core;
