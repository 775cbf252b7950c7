import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

// "Internet Identity" is also what II test tooling looks for in the popup's title (§6.1).
export const metadata: Metadata = {
  title: 'Internet Identity',
  description: 'Sign in to apps on this network with a passkey.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f8fafc' },
    { media: '(prefers-color-scheme: dark)', color: '#020617' },
  ],
};

/** The document around every page; the system font stack, so nothing loads from elsewhere. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
