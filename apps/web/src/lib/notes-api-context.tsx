'use client';

/** Hands the {@link NotesApi} to components, so tests can give them a fake one. */
import { createContext, useContext, type ReactNode } from 'react';
import type { NotesApi } from './notes-api';

const NotesApiContext = createContext<NotesApi | undefined>(undefined);

/** Makes `api` the notes API of everything inside. */
export function NotesApiProvider({ api, children }: { api: NotesApi; children: ReactNode }) {
  return <NotesApiContext.Provider value={api}>{children}</NotesApiContext.Provider>;
}

/** The notes API of the nearest {@link NotesApiProvider}. */
export function useNotesApi(): NotesApi {
  const api = useContext(NotesApiContext);
  if (api === undefined) {
    throw new Error('useNotesApi() needs a <NotesApiProvider> above it');
  }
  return api;
}
