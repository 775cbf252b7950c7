import { NotesApp } from '../components/notes-app';

/** The only page: the app runs in the browser, against the backend canister. */
export default function HomePage() {
  return <NotesApp />;
}
