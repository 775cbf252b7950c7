'use client';

/** Hands the {@link IdentityServices} to components, so tests can give them fakes. */
import { createContext, useContext, type ReactNode } from 'react';
import type { IdentityServices } from './identity-services';

const IdentityServicesContext = createContext<IdentityServices | undefined>(undefined);

/** Makes `services` the services of everything inside. */
export function IdentityServicesProvider({
  services,
  children,
}: {
  services: IdentityServices;
  children: ReactNode;
}) {
  return (
    <IdentityServicesContext.Provider value={services}>{children}</IdentityServicesContext.Provider>
  );
}

/** The services of the nearest {@link IdentityServicesProvider}. */
export function useIdentityServices(): IdentityServices {
  const services = useContext(IdentityServicesContext);
  if (services === undefined) {
    throw new Error('useIdentityServices() needs an <IdentityServicesProvider> above it');
  }
  return services;
}
