'use client';

/** Hands the {@link ConsoleServices} to components, so tests can give them fakes. */
import { createContext, useContext, type ReactNode } from 'react';
import type { ConsoleServices } from './console-services';

const ConsoleServicesContext = createContext<ConsoleServices | undefined>(undefined);

/** Makes `services` the services of everything inside. */
export function ConsoleServicesProvider({
  services,
  children,
}: {
  services: ConsoleServices;
  children: ReactNode;
}) {
  return (
    <ConsoleServicesContext.Provider value={services}>{children}</ConsoleServicesContext.Provider>
  );
}

/** The services of the nearest {@link ConsoleServicesProvider}. */
export function useConsoleServices(): ConsoleServices {
  const services = useContext(ConsoleServicesContext);
  if (services === undefined) {
    throw new Error('useConsoleServices() needs a <ConsoleServicesProvider> above it');
  }
  return services;
}
