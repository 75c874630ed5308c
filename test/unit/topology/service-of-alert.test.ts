import { describe, expect, it } from 'vitest';
import { defaultServiceLabels, serviceOfAlert } from '../../../src/topology/service-of-alert.ts';

describe('serviceOfAlert', () => {
  it('follows the label order: the first present label wins', () => {
    expect(serviceOfAlert({ pod: 'web-0', app: 'cart', service: 'checkout' })).toBe('checkout');
    expect(serviceOfAlert({ pod: 'web-0', app: 'cart', 'app.kubernetes.io/name': 'payments' })).toBe('payments');
    expect(serviceOfAlert({ container: 'nginx', deployment: 'frontend' })).toBe('frontend');
    expect(serviceOfAlert({ container: 'nginx', job_name: 'backup' })).toBe('backup');
  });

  it('skips empty label values, as Prometheus treats them as absent', () => {
    expect(serviceOfAlert({ service: '', app: ' ', container: 'worker' })).toBe('worker');
  });

  it('returns null when no label names a service', () => {
    expect(serviceOfAlert({ alertname: 'Watchdog', severity: 'none' })).toBeNull();
    expect(serviceOfAlert({})).toBeNull();
  });

  it('follows the order literally for kube-state-metrics alerts, and a custom order changes the answer', () => {
    // KubePodCrashLooping as kube-prometheus-stack ships it.
    const labels = {
      alertname: 'KubePodCrashLooping',
      container: 'api',
      job: 'kube-state-metrics',
      namespace: 'shop',
      pod: 'api-7d9f8b6c5d-x2k4p',
      service: 'kube-state-metrics',
    };
    expect(serviceOfAlert(labels)).toBe('kube-state-metrics');
    const withoutService = defaultServiceLabels.filter((label) => label !== 'service');
    expect(serviceOfAlert(labels, withoutService)).toBe('api');
    expect(serviceOfAlert(labels, ['pod'])).toBe('api');
  });

  it.each([
    // Deployment: <name>-<pod-template-hash>-<5 random>
    ['api-7d9f8b6c5d-x2k4p', 'api'],
    ['api-7d9f-x2k', 'api'],
    ['coredns-5d78c9869d-9xkzq', 'coredns'],
    ['checkout-api-v2-6b8f4c7d95-2w4zt', 'checkout-api-v2'],
    ['metrics-server-85bc76798b-7q5nc', 'metrics-server'],
    // StatefulSet: <name>-<ordinal>
    ['db-0', 'db'],
    ['redis-master-12', 'redis-master'],
    // DaemonSet / Job: <name>-<5 random>
    ['kube-proxy-x2k4p', 'kube-proxy'],
    ['node-exporter-9bz6w', 'node-exporter'],
    ['fluent-bit-44d9c', 'fluent-bit'],
    // CronJob run: <cronjob>-<minutes since epoch>-<5 random>
    ['nightly-backup-28391234-k8s2d', 'nightly-backup'],
  ])('strips the controller suffix of pod %s', (pod, expected) => {
    expect(serviceOfAlert({ pod })).toBe(expected);
  });

  it.each([
    // Segments with vowels or 0/1/3 cannot be generated suffixes.
    ['standalone', 'standalone'],
    ['nginx-ingress', 'nginx-ingress'],
    ['my-db-x2k4p', 'my-db'],
    ['cert-manager-webhook', 'cert-manager-webhook'],
    ['log-shipper-v4-x2k4p', 'log-shipper-v4'],
  ])('keeps the workload name intact for pod %s', (pod, expected) => {
    expect(serviceOfAlert({ pod })).toBe(expected);
  });

  it('strips suffixes only from the pod label', () => {
    expect(serviceOfAlert({ deployment: 'db-0' })).toBe('db-0');
    expect(serviceOfAlert({ container: 'kube-proxy-x2k4p' })).toBe('kube-proxy-x2k4p');
  });
});
